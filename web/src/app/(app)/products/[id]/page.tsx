import { ProductDetail } from "./ProductDetail";

export const metadata = { title: "Product" };

export default function ProductPage() {
  return <ProductDetail />;
}
