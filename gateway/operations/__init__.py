"""Operations: liveness and what the process is serving."""
