// Placeholder replaced by the database template setup (see test/helpers/db.ts).
export default function setup(): void {}
