/** Node-side entry of @closeloop/widget: where the built browser bundle lives and how to build it. */
export { buildWidget, ensureWidgetBuilt, widgetBundle, widgetSource } from '../build.mjs';
