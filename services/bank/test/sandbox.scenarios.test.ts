// The adapter scenarios against the in-process sandbox adapter: shows the suite itself is sound
// (each provider's own test file runs the same suite through its client library and emulator).
import { adapterScenarios } from './adapter.scenarios.js';
import { sandboxScenarioContext } from './sandbox.adapter.js';

adapterScenarios('Sandbox', async () => sandboxScenarioContext());
