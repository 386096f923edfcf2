export declare function startHub(opts: {
    host?: string;
    messengerPort?: number;
    nexusPort?: number;
    env?: Record<string, string | undefined>;
    dataDir?: string | null;
}): Promise<{
    messengerUrl: string;
    nexusUrl: string;
    close: () => Promise<void>;
}>;
