import { CategoriesView } from "./CategoriesView";

export const metadata = { title: "Categories" };

export default function CategoriesPage() {
  return <CategoriesView />;
}
