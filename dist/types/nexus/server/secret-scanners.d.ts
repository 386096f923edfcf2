/**
 * Hand-written scanners for the three sanitizer shapes (nexus spec §2.7) whose natural regex is
 * quadratic on a backtracking engine: the scheme of `scheme://user:pass@`, a JWT's first segment
 * and a PEM block's `[\s\S]*?` all let every later start position rescan the same run
 * (`a.a.a.…`, `eyJ-eyJ-…`, `-----BEGIN PRIVATE KEY-----` × n took seconds on 64 KiB).
 * Each scanner finds exactly what its former regex found (leftmost, non-overlapping), but reads
 * every character a bounded number of times. Pure functions over a string.
 */
/** A span of text to replace with `[REDACTED:type]`. */
export interface Hit {
    start: number;
    end: number;
}
/**
 * `-----BEGIN ([A-Z0-9 ]*)PRIVATE KEY( BLOCK)?-----[\s\S]*?-----END \1PRIVATE KEY\2-----`.
 * The label, `PRIVATE KEY` and ` BLOCK` are all `[A-Z0-9 ]`, and `-` is not, so a header is
 * exactly the maximal `[A-Z0-9 ]` run after `BEGIN ` followed by five dashes, and its END line
 * must repeat that run. END lines are indexed by run once; each BEGIN then takes the first END
 * of its run after its header (the lazy `*?`) through a per-run pointer that only moves forward.
 */
export declare function findPrivateKeys(text: string): Hit[];
/**
 * `\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}`. Every segment is a maximal
 * base64url run (the only way to reach the next `.`), so all starts inside one run share the
 * same tail and the first start is the only one worth trying: after a miss we skip the run.
 */
export declare function findJwts(text: string): Hit[];
/**
 * `(\b[a-z][a-z0-9+.-]*:\/\/[^\s:@/]+:)([^\s@/]+)(?=@)` (case-insensitive); the hit is the
 * password. Found from each `://`: the scheme is the earliest letter after a word boundary in
 * the `[a-z0-9+.-]` run before it (runs before different `://` never overlap, as `:` and `/`
 * end them), the user is the maximal run up to `:`, the password the maximal run up to `@`.
 */
export declare function findUrlCredentials(text: string): Hit[];
