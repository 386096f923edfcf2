/**
 * The href a browser would follow for a markdown link destination, if it is http(s) or mailto.
 * Character references are decoded first (`jav&#x61;script:` is `javascript:` to a browser);
 * the WHATWG URL parser then does what the browser does with case, blanks and controls.
 */
export declare function safeHref(destination: string): string | null;
/**
 * Untrusted text made safe to quote: every line break (`\r\n`, bare `\r`, U+2028/2029, NEL,
 * VT, FF) becomes `\n`, so a quote prefix on each line really covers every line; bidi controls
 * (which could reorder the page as it is read) and other control characters are shown as
 * `[U+202E]` instead of acting.
 */
export declare function normalizeUntrusted(text: string): string;
/** The greeting as a markdown quote for agents: `> ` on every line, nothing outside it. */
export declare function quoteUntrusted(text: string): string;
/**
 * Renders a page's markdown. Its values were HTML-escaped before they were put in, so the only
 * `<!--slot:name-->` lines are the template's own; each is replaced by `slots[name]`.
 */
export declare function renderPageMarkdown(markdown: string, slots?: Record<string, string>): string;
/**
 * marked's emphasis and nesting rules are quadratic (16,000 characters of `_a` take ~290 ms,
 * 8,000 nested `> ` overflow the stack); 2,000 characters cost at most ~7 ms, and each
 * greeting is rendered once (cached). Longer greetings are shown as plain text.
 */
export declare const GREETING_MARKDOWN_MAX_CHARS = 2000;
/** The greeting as an HTML quote block, isolated from the page's text direction. */
export declare function renderGreetingHtml(greeting: string): string;
