"""Scheduled jobs: scheduler.py builds the scheduler, tasks.py holds the job functions, runs.py
claims, runs and records them (lease, heartbeat, retry)."""
