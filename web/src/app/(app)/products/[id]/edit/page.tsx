import { EditProduct } from "./EditProduct";

export const metadata = { title: "Edit product" };

export default function EditProductPage() {
  return <EditProduct />;
}
