// Placeholder so the target exists on a fresh clone; removed once the store's tests land.
