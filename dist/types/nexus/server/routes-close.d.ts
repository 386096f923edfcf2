import { type Route } from './context.js';
export declare const closeRoutes: Route[];
