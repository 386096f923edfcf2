/**
 * Templates are data; rendering is a pure function (DESIGN principle 8).
 * `{{name}}` inserts a value, `{{{name}}}` too (kept for raw HTML, where the caller has already
 * made it safe), `{{#name}}...{{/name}}` keeps its block when the value is truthy and
 * `{{^name}}...{{/name}}` when it is falsy.
 */
export type TemplateVars = Record<string, string | number | boolean | null | undefined>;

export function renderTemplate(template: string, vars: TemplateVars): string {
  const sections = template.replace(/\{\{([#^])(\w+)\}\}\n?([\s\S]*?)\{\{\/\2\}\}\n?/g, (_, kind: string, name: string, body: string) => {
    const on = Boolean(vars[name]);
    return (kind === '#' ? on : !on) ? body : '';
  });
  return sections.replace(/\{\{\{?(\w+)\}?\}\}/g, (_, name: string) => {
    const v = vars[name];
    return v === undefined || v === null ? '' : String(v);
  });
}

/** Removes host-specific blocks (`<!-- openclaw-only -->` ... `<!-- /openclaw-only -->`). */
export function stripOpenclawOnly(markdown: string): string {
  return markdown.replace(/<!-- openclaw-only -->[\s\S]*?<!-- \/openclaw-only -->\n?/g, '');
}

/** Drops a leading YAML front matter block. */
export function stripFrontMatter(markdown: string): string {
  return markdown.replace(/^---\n[\s\S]*?\n---\n+/, '');
}

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]!);
}
