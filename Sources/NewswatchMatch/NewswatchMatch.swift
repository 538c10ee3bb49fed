// NewswatchMatch: see ../shared/docs/DESIGN.md for what this module holds.
