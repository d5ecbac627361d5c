// Bounded output collection and line splitting, shared by every adapter (and by @rexec/core's ssh2 channels).
export { createOutputCollector, type OutputCollector, type OutputCollectorOptions } from './output-collector.js';
export { createLineSplitter, type LineSplitter } from './line-splitter.js';
export { armKillTriggers, createCommandStreams, pipeStdout, type CommandStreams, type KillReason, type StreamKillReason } from './command-streams.js';
