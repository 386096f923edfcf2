/**
 * Markdown or HTML for the self-documenting pages (nexus spec §2.9): HTML only when text/html (or
 * application/xhtml+xml) is explicitly accepted with a strictly higher q than markdown gets
 * (directly, via text/*, or via * / *). curl's `*\/*` and agent fetchers'
 * `text/markdown, text/html;q=0.9` get markdown; browsers get HTML. `?format=` overrides.
 */
export type PageFormat = 'md' | 'html';

interface Range {
  type: string;
  q: number;
}

function parseAccept(accept: string): Range[] {
  return accept
    .split(',')
    .map((part) => {
      const [type = '', ...params] = part.trim().toLowerCase().split(';');
      let q = 1;
      for (const p of params) {
        const [k, v] = p.trim().split('=');
        if (k === 'q' && v !== undefined) q = Number.isFinite(Number(v)) ? Math.min(1, Math.max(0, Number(v))) : 0;
      }
      return { type: type.trim(), q };
    })
    .filter((r) => r.type);
}

function qFor(ranges: Range[], types: string[], wildcards: boolean): number {
  let best = -1;
  let bestSpecificity = -1;
  for (const r of ranges) {
    let specificity = -1;
    if (types.includes(r.type)) specificity = 2;
    else if (wildcards && r.type === 'text/*') specificity = 1;
    else if (wildcards && r.type === '*/*') specificity = 0;
    if (specificity > bestSpecificity) {
      bestSpecificity = specificity;
      best = r.q;
    }
  }
  return best;
}

export function negotiatePage(accept: string | undefined, format: string | null): PageFormat {
  if (format === 'md' || format === 'markdown') return 'md';
  if (format === 'html') return 'html';
  if (!accept) return 'md';
  const ranges = parseAccept(accept);
  const html = qFor(ranges, ['text/html', 'application/xhtml+xml'], false);
  const md = qFor(ranges, ['text/markdown', 'text/x-markdown'], true);
  return html > 0 && html > md ? 'html' : 'md';
}
