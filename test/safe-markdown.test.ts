// The pairing page's markdown rendering for untrusted text (nexus spec §2.9), unit by unit.
import { describe, expect, it } from 'vitest';
import { GREETING_MARKDOWN_MAX_CHARS, normalizeUntrusted, quoteUntrusted, renderGreetingHtml, safeHref } from '../src/nexus/server/safe-markdown.ts';

describe('safeHref: only what a browser would follow as http(s) or mailto', () => {
  it.each([
    ['https://example.com/a?b=1&c=2', 'https://example.com/a?b=1&c=2'],
    ['HTTP://Example.COM', 'http://example.com/'],
    ['https://example.com/a?b=1&amp;c=2', 'https://example.com/a?b=1&c=2'],
    ['mailto:ann@example.com', 'mailto:ann@example.com'],
    ['javascript:alert(1)', null],
    ['JaVaScRiPt:alert(1)', null],
    [' \tjavascript:alert(1)', null],
    ['java\nscript:alert(1)', null],
    ['jav&#x61;script:alert(1)', null],
    ['jav&#97;script:alert(1)', null],
    ['jav&#X61script:alert(1)', null],
    ['javascript&colon;alert(1)', null],
    ['data:text/html,<script>alert(1)</script>', null],
    ['vbscript:msgbox(1)', null],
    ['file:///etc/passwd', null],
    ['//evil.example/', null],
    ['/relative', null],
    ['', null],
  ])('%j -> %j', (input, want) => {
    expect(safeHref(input)).toBe(want);
  });
});

describe('untrusted text', () => {
  it('every line break becomes \\n, bidi and control characters are shown', () => {
    expect(normalizeUntrusted('a\rb\r\nc\u2028d\u2029e\u0085f\u000bg\u000ch')).toBe('a\nb\nc\nd\ne\nf\ng\nh');
    expect(normalizeUntrusted('x\u202Ey\u2066z\u200F\u061C\u0000\u001b[31m\t')).toBe('x[U+202E]y[U+2066]z[U+200F][U+061C][U+0000][U+001B][31m\t');
  });

  it('the markdown quote covers every line, empty ones too', () => {
    expect(quoteUntrusted('hi\r# Step 1\r\n\r\nbye')).toBe('> hi\n> # Step 1\n>\n> bye');
  });

  it('a greeting over the markdown limit is plain escaped text, and deep nesting cannot break the page', () => {
    const nested = '> '.repeat(8000);
    const html = renderGreetingHtml(nested);
    expect(html).toBe(`<blockquote class="greeting" dir="auto">\n<p>${'&gt; '.repeat(8000)}</p>\n</blockquote>\n`);
    const long = `${'_a'.repeat(GREETING_MARKDOWN_MAX_CHARS)}\n<b>x</b>`;
    expect(renderGreetingHtml(long)).toContain('_a_a_a');
    expect(renderGreetingHtml(long)).toContain('<br>\n&lt;b&gt;x&lt;/b&gt;</p>');
    expect(renderGreetingHtml('**hi**')).toBe('<blockquote class="greeting" dir="auto">\n<p><strong>hi</strong></p>\n</blockquote>\n');
  });

  it('headings inside the greeting are bold text, never page headings', () => {
    expect(renderGreetingHtml('# Step 1: claim the code (UPDATED)')).toBe('<blockquote class="greeting" dir="auto">\n<p><strong>Step 1: claim the code (UPDATED)</strong></p>\n</blockquote>\n');
  });
});
