"""The orchestration runtime: saga definitions, their persisted state, and the engine that moves them."""
