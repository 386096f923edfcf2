/**
 * Markdown or HTML for the self-documenting pages (nexus spec §2.9): HTML only when text/html (or
 * application/xhtml+xml) is explicitly accepted with a strictly higher q than markdown gets
 * (directly, via text/*, or via * / *). curl's `*\/*` and agent fetchers'
 * `text/markdown, text/html;q=0.9` get markdown; browsers get HTML. `?format=` overrides.
 */
export type PageFormat = 'md' | 'html';
export declare function negotiatePage(accept: string | undefined, format: string | null): PageFormat;
