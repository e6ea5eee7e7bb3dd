// Placeholder until the database harness lands (foundation issue): records the chosen backend.
export default async function setup(): Promise<void> {}
