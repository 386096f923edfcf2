/**
 * The local hub's limits. Both servers' own defaults are for the internet: every client
 * address gets a share (requests a minute, streams, pairing failures, session storage), so one
 * address cannot take what others need. On the hub every local agent is 127.0.0.1: one share
 * for a whole team, and a handful of agents hit the session server's 100 requests a minute
 * after a few turns. So a hub listening on loopback raises the per-address limits to what the
 * whole server allows; listening anywhere else, or with TRUST_PROXY set (a tunnel or proxy in
 * front: its clients are not local agents), it keeps the servers' defaults. The guard against
 * guessing pairing codes (PAIR_FAIL_LIMIT) is never raised. An env variable that is set always
 * wins. Data only: the hub's --help shows this table.
 */
export declare const HUB_LOOPBACK_ENV: readonly [readonly ["RATE_LIMIT_MAX", "100000", "session server: requests per window per address (serve: 100 a minute)"], readonly ["SESSION_STORAGE_PER_IP", "1073741824", "session server: session metadata per address, = SESSION_STORAGE_TOTAL (serve: 16 MiB)"], readonly ["MAX_WAITERS_PER_IP", "4096", "session server: parked polls and event streams per address (serve: 32)"], readonly ["OFFLINE_QUEUE_ADDRESS_BYTES", "0", "messenger: queued bytes per sending address, 0 = only the total budget (serve: total / 16)"], readonly ["RATE_LIMIT", "0", "messenger: requests per second per address, 0 = no limit (serve: 100)"], readonly ["MAX_STREAMS_PER_IP", "4096", "both: open event streams per address (serve: 32)"], readonly ["MAX_CONNECTIONS_PER_IP", "0", "both: open connections per address, 0 = no cap (serve: 64); MAX_CONNECTIONS still caps the total"]];
export declare function isLoopbackHost(host: string): boolean;
/** The env the hub's servers see: the loopback defaults under what is set. */
export declare function hubEnv(env: Record<string, string | undefined>, host: string): Record<string, string | undefined>;
