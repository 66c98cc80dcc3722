"""File IO at the edges: reading user files safely, writing outputs atomically."""
