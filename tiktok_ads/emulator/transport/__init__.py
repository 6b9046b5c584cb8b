"""What a real network adds: the threaded HTTP server with its control endpoints (clock, faults),
rate limits, scripted faults and the latency model.
"""
