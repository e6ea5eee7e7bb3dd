export { createActionService } from './actions/service.ts';
export { BULL_BOARD_PATH, registerBullBoard, type StaffAuthenticator } from './admin/bull-board.ts';
export { createJobAdmin, type JobAdmin, type JobScope, type QueueSummary, queueNameOf } from './admin/jobs.ts';
export { buildApp, registerApi } from './app.ts';
export { createApiKey } from './auth/api-keys.ts';
export type { ApiDeps } from './deps.ts';
export { createFeedbackService, storeContact } from './feedback/service.ts';
export { buildSnapshot, createPublicationService, youSaidStats } from './publications/service.ts';
export { createFeedbackSubmitter, createSiteKeyService, type FeedbackSubmitter } from './widget/service.ts';
