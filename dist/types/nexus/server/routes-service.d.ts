import type { Route } from './context.js';
export declare const VERSION = "0.1.0";
export declare const serviceRoutes: Route[];
