"""Scheduled jobs: scheduler.py builds the scheduler, tasks.py holds the job functions."""
