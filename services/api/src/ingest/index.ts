export { ImportFormatError, InboundPayloadError } from './errors.ts';
export * from './import/index.ts';
export * from './inbound/index.ts';
