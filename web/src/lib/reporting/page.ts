// The page a report comes from, as a route template: ids replaced, so reports group by page.

/** The route without ids: /products/[id]/edit. */
export function routeTemplate(pathname: string): string {
  return pathname.replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi, "[id]");
}
