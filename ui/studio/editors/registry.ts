/**
 * The definition page's editor tabs, in the order shown (the JSON view is always last and is not listed here).
 */
import type { EditorTab } from './contract.js';
import { schemaEditorTab } from './fw-schema-editor.js';
import { workflowEditorTab } from './fw-workflow-editor.js';
import { conditionsEditorTab } from './fw-conditions-editor.js';
import { TABLE_DESIGNER_TAB } from './fw-table-designer.js';
import { FORM_DESIGNER_TAB } from './fw-form-designer.js';
import { previewTab } from './fw-preview-tab.js';

/** Every editor tab; the page shows those whose `appliesTo` accepts the definition's kind. */
export const EDITOR_TABS: EditorTab[] = [
  TABLE_DESIGNER_TAB,
  FORM_DESIGNER_TAB,
  schemaEditorTab,
  workflowEditorTab,
  conditionsEditorTab,
  previewTab,
];
