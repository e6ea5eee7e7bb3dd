/** Path of the widget's TypeScript source. */
export declare const widgetSource: string;
/** Path of the built bundle, `packages/widget/dist/widget.js`. */
export declare const widgetBundle: string;
/** Builds dist/widget.js with esbuild; resolves to its size in bytes. */
export declare function buildWidget(): Promise<number>;
/** Builds once when the bundle is missing or stale; resolves to the bundle path. */
export declare function ensureWidgetBuilt(): Promise<string>;
