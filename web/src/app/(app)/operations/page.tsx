import { OperationsView } from "./OperationsView";

export const metadata = { title: "Operations" };

export default function OperationsPage() {
  return <OperationsView />;
}
