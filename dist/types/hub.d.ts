export interface HubOptions {
    host?: string;
    messengerPort?: number;
    nexusPort?: number;
    env?: Record<string, string | undefined>;
    dataDir?: string | null;
    instances?: number;
}
export declare function startHub(opts: HubOptions): Promise<{
    messengerUrl: string;
    nexusUrl: string;
    messengerUrls: string[];
    nexusUrls: string[];
    close: () => Promise<void>;
}>;
