/**
 * The public surface of strata's game persona: milestones and releases, release notes, per-platform
 * configuration. Built on porcelain's public API only.
 */
export { gameSubcommands } from './cli/index.js';
