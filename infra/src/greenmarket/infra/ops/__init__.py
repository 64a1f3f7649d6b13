"""Operations: the consumer-lag monitor (Burrow's evaluation), its API, metrics and CLI."""
