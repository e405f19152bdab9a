import { ImportView } from "./ImportView";

export const metadata = { title: "Import products" };

export default function ImportPage() {
  return <ImportView />;
}
