"""pytest plugin (entry point ``pytest11``) giving plugin authors ctpse fixtures."""
