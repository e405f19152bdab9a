import { UsersView } from "./UsersView";

export const metadata = { title: "Users" };

export default function UsersPage() {
  return <UsersView />;
}
