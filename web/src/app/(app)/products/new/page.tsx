import { NewProduct } from "./NewProduct";

export const metadata = { title: "New product" };

export default function NewProductPage() {
  return <NewProduct />;
}
