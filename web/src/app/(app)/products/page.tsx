import { Suspense } from "react";
import { Skeleton } from "@/components/states";
import { ProductsView } from "./ProductsView";

export const metadata = { title: "Products" };

export default function ProductsPage() {
  return (
    <Suspense fallback={<Skeleton rows={10} label="Loading products" />}>
      <ProductsView />
    </Suspense>
  );
}
