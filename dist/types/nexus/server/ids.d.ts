export interface Ids {
    random: (bytes: number) => Uint8Array;
    sessionId: () => string;
    messageId: () => string;
    sessionKey: () => string;
}
export declare function serverIds(injected?: (bytes: number) => Uint8Array): Ids;
