import { CodedError } from '../errors.js';
export declare class DataDirInUse extends CodedError {
    readonly dir: string;
    readonly holderPid: number | null;
    constructor(dir: string, holderPid: number | null);
}
export interface DataDirLock {
    release(): Promise<void>;
}
export declare function lockDataDir(dir: string, warn?: (line: string) => void): Promise<DataDirLock>;
