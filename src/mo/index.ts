export { MoPipeline, type MoPipelineCounters, type MoPipelineDeps } from './mo-pipeline.js';
export { selectService, firstWord, DEFAULT_KEYWORD, type ServiceSelection } from './select-service.js';
export { buildMoRequest, escapeContext, kannelHeaderTime, type MoRequest } from './build-mo-request.js';
export { assembleMo, moPartFrom, needsReassembly } from './assemble-mo.js';
export { MoForwarder, type ForwardResult, type HttpSend } from './mo-forwarder.js';
export { MoQueue, moRetryDelayMs, type MoQueueCounters } from './mo-queue.js';
export { MoReassemblyStore, type AddPartOutcome, type CorruptReady, type ReadyGroup } from './mo-reassembly-store.js';
export { MoCallbackError, MoRequestError, MoReassemblyError, type CallbackFailure } from './mo-errors.js';
export type { MoMessage, MoPart } from './mo-message.js';
