import { KeysError } from './errors.js';
import { type Identity } from './core/identity.js';
import { type Files } from '../store/files.js';
export { KeysError };
export interface KeyPaths {
    pub: string;
    priv: string;
}
export declare const defaultKeyPaths: (dir: string) => KeyPaths;
export interface LoadedKeys {
    identity: Identity;
    pubText: string;
    privText: string;
}
/** A peer key given as text or as a file holding it; a path that names no file says so. */
export declare function keyTextOrFile(v: string): Promise<string>;
export declare function loadKeys(paths: KeyPaths, files?: Files): Promise<LoadedKeys>;
/** Creates a new identity; refuses to replace an existing one unless `force`. */
export declare function generateKeys(paths: KeyPaths, opts?: {
    force?: boolean;
}): Promise<Identity>;
