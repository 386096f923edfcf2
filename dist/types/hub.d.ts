export interface HubOptions {
    host?: string;
    messengerPort?: number;
    nexusPort?: number;
    env?: Record<string, string | undefined>;
    /** The session server's data directory (null: memory only); its DATA_DIR env wins. */
    dataDir?: string | null;
    /** The messenger's (null: memory only); MESSENGER_DATA_DIR wins, else `<DATA_DIR>/messenger`. */
    messengerDataDir?: string | null;
    instances?: number;
}
/** With no options: both servers on 127.0.0.1, the messenger on :8080 and the session server on :3000, in memory. */
export declare function startHub(opts?: HubOptions): Promise<{
    messengerUrl: string;
    nexusUrl: string;
    messengerUrls: string[];
    nexusUrls: string[];
    close: () => Promise<void>;
}>;
