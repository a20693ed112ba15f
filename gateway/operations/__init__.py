"""Operations: liveness, readiness and metrics, for the machines that run and watch seva."""
