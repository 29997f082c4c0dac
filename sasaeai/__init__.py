"""ささえあい (Sasaeai): the work-support system for Life Support Coordinators."""
