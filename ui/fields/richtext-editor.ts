/**
 * The rich text editor itself (TipTap and its starter kit, the largest part of the app): its own chunk, imported by
 * fw-richtext-field only when a field is edited, so pages that show no editable rich text never fetch it.
 */
import { Editor } from '@tiptap/core';
import StarterKit from '@tiptap/starter-kit';

/** What the field gives the editor. */
export interface RichTextEditorOptions {
  /** Where the editable region goes. */
  element: HTMLElement;
  /** The HTML to start with ('' for none). */
  content: string;
  /** A key the editor sees first; true when handled. */
  onKeyDown(e: KeyboardEvent): boolean;
  /** Any change, of the text or of the selection. */
  onTransaction(): void;
  /** The text changed: its HTML, or null when empty. */
  onUpdate(html: string | null): void;
}

/** A TipTap editor with the formats the rich-text policy allows (headings 2–3, lists, links, quotes, code). */
export function createRichTextEditor(options: RichTextEditorOptions): Editor {
  return new Editor({
    element: options.element,
    // The page's CSP allows no inline style element: the editor's few rules are in styles.css instead.
    injectCSS: false,
    extensions: [StarterKit.configure({
      heading: { levels: [2, 3] },
      link: { openOnClick: false, autolink: false, HTMLAttributes: { target: null, rel: null }, protocols: ['mailto'] },
    })],
    content: options.content,
    editorProps: { handleKeyDown: (_view, e) => options.onKeyDown(e) },
    onTransaction: () => options.onTransaction(),
    onUpdate: ({ editor }) => options.onUpdate(editor.isEmpty ? null : editor.getHTML()),
  });
}
