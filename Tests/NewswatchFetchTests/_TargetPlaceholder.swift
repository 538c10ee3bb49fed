// Placeholder so the target exists on a fresh clone; removed once the module's tests land.
