/** The lines `npm test` prints after turbo's: tests passed, per package ran now or replayed from turbo's cache. */
export declare function summarise(root: string, started: number): string;
