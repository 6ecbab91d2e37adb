// The two-level category set every new family starts with. Families rename, archive or add to it.
export const DEFAULT_CATEGORIES: readonly { name: string; icon: string; children: readonly string[] }[] = [
  { name: 'Groceries', icon: 'cart', children: ['Supermarket', 'Bakery', 'Market', 'Household supplies'] },
  { name: 'Dining', icon: 'utensils', children: ['Restaurants', 'Cafes', 'Takeaway', 'School lunches'] },
  {
    name: 'Transport',
    icon: 'car',
    children: ['Fuel', 'Public transport', 'Taxi & rideshare', 'Parking', 'Car maintenance'],
  },
  { name: 'Housing', icon: 'home', children: ['Rent', 'Mortgage', 'Repairs', 'Furniture', 'Home insurance'] },
  { name: 'Utilities', icon: 'bolt', children: ['Electricity', 'Gas & heating', 'Water', 'Internet', 'Mobile phone'] },
  { name: 'Health', icon: 'heart', children: ['Doctor', 'Pharmacy', 'Dental', 'Health insurance', 'Fitness'] },
  { name: 'Education', icon: 'book', children: ['School fees', 'Books & supplies', 'Courses', 'Tutoring'] },
  { name: 'Kids', icon: 'child', children: ['Childcare', 'Toys', 'Activities', 'Pocket money'] },
  { name: 'Entertainment', icon: 'ticket', children: ['Movies & shows', 'Games', 'Events', 'Hobbies'] },
  { name: 'Clothing', icon: 'shirt', children: ['Adults', 'Kids clothing', 'Shoes'] },
  { name: 'Gifts', icon: 'gift', children: ['Birthdays', 'Holidays', 'Donations'] },
  { name: 'Travel', icon: 'plane', children: ['Flights', 'Accommodation', 'Holiday activities'] },
  { name: 'Subscriptions', icon: 'repeat', children: ['Streaming', 'Software', 'Memberships', 'News'] },
  { name: 'Other', icon: 'dots', children: ['Fees & charges', 'Miscellaneous'] },
];
