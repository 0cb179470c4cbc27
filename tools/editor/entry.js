// The editor pieces query.js uses, bundled into one IIFE (window.KGEditor) by build.mjs.
// CodeMirror 6 injects its styles with constructable stylesheets (adoptedStyleSheets), which the
// own-origin CSP (no 'unsafe-inline') allows; nothing here loads anything at run time.
export { EditorView, keymap, lineNumbers, highlightActiveLine, drawSelection, placeholder } from "@codemirror/view";
export { EditorState, Compartment } from "@codemirror/state";
export { history, defaultKeymap, historyKeymap, indentWithTab } from "@codemirror/commands";
export {
  StreamLanguage, syntaxHighlighting, defaultHighlightStyle, bracketMatching, indentOnInput,
} from "@codemirror/language";
export { sparql } from "@codemirror/legacy-modes/mode/sparql";
export {
  autocompletion, completionKeymap, closeBrackets, closeBracketsKeymap, startCompletion,
  currentCompletions, acceptCompletion,
} from "@codemirror/autocomplete";
export { lintGutter, setDiagnostics, forEachDiagnostic } from "@codemirror/lint";
export { searchKeymap, highlightSelectionMatches } from "@codemirror/search";
