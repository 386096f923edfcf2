/**
 * Templates are data; rendering is a pure function (DESIGN principle 8).
 * `{{name}}` inserts a value, `{{{name}}}` too (kept for raw HTML, where the caller has already
 * made it safe), `{{#name}}...{{/name}}` keeps its block when the value is truthy and
 * `{{^name}}...{{/name}}` when it is falsy.
 */
export type TemplateVars = Record<string, string | number | boolean | null | undefined>;
export declare function renderTemplate(template: string, vars: TemplateVars): string;
/** Removes host-specific blocks (`<!-- openclaw-only -->` ... `<!-- /openclaw-only -->`). */
export declare function stripOpenclawOnly(markdown: string): string;
/** Drops a leading YAML front matter block. */
export declare function stripFrontMatter(markdown: string): string;
export declare function escapeHtml(s: string): string;
