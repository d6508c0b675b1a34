import Database from 'better-sqlite3';

/**
 * Runs `sql` on `file` through a connection of its own, as another process (an older
 * coordinator, a failing disk) would change it under the store.
 */
export function execOnFile(file: string, sql: string): void {
  const db = new Database(file);
  try {
    db.exec(sql);
  } finally {
    db.close();
  }
}
