/**
 * The rich text field's toolbar buttons: what each is called, its editor shortcut, whether its format applies at the
 * cursor and what it does. The shortcuts are the starter kit's own (Ctrl+K, the link box, is the field's).
 */
import type { Editor } from '@tiptap/core';

/** One toolbar button. */
export interface ToolbarButton {
  name: string;
  /** What the button shows, which is its accessible name too (WCAG 2.5.3: the visible label is the name). */
  label: string;
  /** The shortcut in words, for the tooltip. */
  shortcut: string;
  /** The shortcut as aria-keyshortcuts has it. */
  keys: string;
  isActive(editor: Editor): boolean;
  run(editor: Editor): void;
}

export const TOOLBAR: readonly ToolbarButton[] = [
  {
    name: 'bold', label: 'Bold', shortcut: 'Ctrl+B', keys: 'Control+B',
    isActive: (e) => e.isActive('bold'), run: (e) => { e.chain().focus().toggleBold().run(); },
  },
  {
    name: 'italic', label: 'Italic', shortcut: 'Ctrl+I', keys: 'Control+I',
    isActive: (e) => e.isActive('italic'), run: (e) => { e.chain().focus().toggleItalic().run(); },
  },
  {
    name: 'heading2', label: 'Heading', shortcut: 'Ctrl+Alt+2', keys: 'Control+Alt+2',
    isActive: (e) => e.isActive('heading', { level: 2 }), run: (e) => { e.chain().focus().toggleHeading({ level: 2 }).run(); },
  },
  {
    name: 'heading3', label: 'Subheading', shortcut: 'Ctrl+Alt+3', keys: 'Control+Alt+3',
    isActive: (e) => e.isActive('heading', { level: 3 }), run: (e) => { e.chain().focus().toggleHeading({ level: 3 }).run(); },
  },
  {
    name: 'bulletList', label: 'Bulleted list', shortcut: 'Ctrl+Shift+8', keys: 'Control+Shift+8',
    isActive: (e) => e.isActive('bulletList'), run: (e) => { e.chain().focus().toggleBulletList().run(); },
  },
  {
    name: 'orderedList', label: 'Numbered list', shortcut: 'Ctrl+Shift+7', keys: 'Control+Shift+7',
    isActive: (e) => e.isActive('orderedList'), run: (e) => { e.chain().focus().toggleOrderedList().run(); },
  },
  {
    name: 'link', label: 'Link', shortcut: 'Ctrl+K', keys: 'Control+K',
    isActive: (e) => e.isActive('link'), run: () => undefined,
  },
  {
    name: 'blockquote', label: 'Quote', shortcut: 'Ctrl+Shift+B', keys: 'Control+Shift+B',
    isActive: (e) => e.isActive('blockquote'), run: (e) => { e.chain().focus().toggleBlockquote().run(); },
  },
  {
    name: 'code', label: 'Code', shortcut: 'Ctrl+E', keys: 'Control+E',
    isActive: (e) => e.isActive('code'), run: (e) => { e.chain().focus().toggleCode().run(); },
  },
];
