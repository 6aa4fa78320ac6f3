"""Doors on the web: Flask blueprints for Twilio, health and the staff simulator."""
